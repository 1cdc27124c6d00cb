CREATE TABLE `change_log_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`compacted_through` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "change_log_state_single_row" CHECK("change_log_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`op` text NOT NULL,
	`version` integer NOT NULL,
	`occurred_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`portfolio_id` text,
	`seller_id` text,
	CONSTRAINT "changes_entity_type_check" CHECK("changes"."entity_type" in ('product', 'portfolio', 'portfolio_item', 'establishment')),
	CONSTRAINT "changes_op_check" CHECK("changes"."op" in ('upsert', 'delete'))
);
--> statement-breakpoint
CREATE INDEX `changes_entity_seq_idx` ON `changes` (`entity_id`,`seq`);--> statement-breakpoint
CREATE INDEX `changes_portfolio_seq_idx` ON `changes` (`portfolio_id`,`seq`) WHERE "changes"."portfolio_id" is not null;--> statement-breakpoint
CREATE INDEX `changes_seller_seq_idx` ON `changes` (`seller_id`,`seq`) WHERE "changes"."seller_id" is not null;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `captured_at` text;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `device_id` text;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `app_version` text;--> statement-breakpoint
INSERT INTO `change_log_state` (`id`, `compacted_through`) VALUES (1, 0);
