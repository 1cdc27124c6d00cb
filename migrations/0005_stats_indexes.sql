CREATE TABLE `stats_snapshots` (
	`name` text PRIMARY KEY NOT NULL,
	`generated_at` text NOT NULL,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `establishments_stats_idx` ON `establishments` (`department_code`,`city_code`,`kind`,`status`,`portfolio_id`) WHERE "establishments"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX `establishments_live_status_portfolio_idx` ON `establishments` (`status`,`portfolio_id`,`id`) WHERE "establishments"."deleted_at" is null;