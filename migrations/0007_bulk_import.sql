CREATE TABLE `bulk_write_guard` (
	`lost` integer NOT NULL,
	CONSTRAINT "bulk_write_lost_race" CHECK("bulk_write_guard"."lost" = 0)
);
--> statement-breakpoint
CREATE TABLE `import_chunks` (
	`import_id` text NOT NULL,
	`seq` integer NOT NULL,
	`rows` text NOT NULL,
	PRIMARY KEY(`import_id`, `seq`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `import_rows` (
	`import_id` text NOT NULL,
	`row` integer NOT NULL,
	`outcome` text NOT NULL,
	`entity_id` text,
	`errors` text,
	PRIMARY KEY(`import_id`, `row`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "import_rows_outcome_check" CHECK("import_rows"."outcome" in ('created', 'updated', 'unchanged', 'rejected'))
);
--> statement-breakpoint
CREATE INDEX `import_rows_outcome_idx` ON `import_rows` (`import_id`,`outcome`,`row`);--> statement-breakpoint
CREATE TABLE `imports` (
	`id` text PRIMARY KEY NOT NULL,
	`entity` text NOT NULL,
	`format` text NOT NULL,
	`dry_run` integer NOT NULL,
	`status` text NOT NULL,
	`file_name` text,
	`actor_id` text,
	`request_id` text,
	`rows_total` integer DEFAULT 0 NOT NULL,
	`chunks_total` integer DEFAULT 0 NOT NULL,
	`next_chunk` integer DEFAULT 0 NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`runs` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`finished_at` text,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "imports_entity_check" CHECK("imports"."entity" in ('products', 'establishments', 'portfolio-items', 'seller-assignments', 'users')),
	CONSTRAINT "imports_format_check" CHECK("imports"."format" in ('csv', 'ndjson')),
	CONSTRAINT "imports_status_check" CHECK("imports"."status" in ('staging', 'running', 'completed', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `imports_created_at_id_idx` ON `imports` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `imports_status_updated_at_idx` ON `imports` (`status`,`updated_at`);--> statement-breakpoint
ALTER TABLE `establishments` ADD `code` text;--> statement-breakpoint
CREATE UNIQUE INDEX `establishments_code_unique` ON `establishments` (`code`) WHERE "establishments"."deleted_at" is null;