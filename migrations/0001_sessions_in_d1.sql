CREATE TABLE `known_networks` (
	`user_id` text NOT NULL,
	`network` text NOT NULL,
	`last_sign_in_at` text NOT NULL,
	PRIMARY KEY(`user_id`, `network`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`generation` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`ip` text,
	`user_agent` text,
	`revoked_at` text,
	`revoked_reason` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sessions_generation_check" CHECK("sessions"."generation" >= 1),
	CONSTRAINT "sessions_revoked_check" CHECK(("sessions"."revoked_at" is null) = ("sessions"."revoked_reason" is null) and ("sessions"."revoked_reason" is null or "sessions"."revoked_reason" in ('logout', 'logout_all', 'password_changed', 'user_disabled', 'revoked_by_staff', 'refresh_token_reused')))
);
--> statement-breakpoint
CREATE INDEX `sessions_user_id_idx` ON `sessions` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `sign_in_throttles` (
	`user_id` text NOT NULL,
	`bucket` text NOT NULL,
	`window_started_at` text NOT NULL,
	`attempts` integer NOT NULL,
	PRIMARY KEY(`user_id`, `bucket`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sign_in_throttles_attempts_check" CHECK("sign_in_throttles"."attempts" >= 1)
);
--> statement-breakpoint
-- Idempotency records made before this migration fingerprint the request with a plain
-- SHA-256 of its body (for POST /users, a password). They are dropped rather than kept for
-- their remaining days; records from now on hold an HMAC with a server secret.
DELETE FROM `idempotency_keys`;--> statement-breakpoint
-- The account lock is replaced by sign_in_throttles; the retired columns are left neutral.
UPDATE `users` SET `failed_login_count` = 0, `locked_until` = NULL;
