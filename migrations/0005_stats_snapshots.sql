CREATE TABLE `stats_snapshots` (
	`name` text PRIMARY KEY NOT NULL,
	`generated_at` text NOT NULL,
	`body` text NOT NULL
);
