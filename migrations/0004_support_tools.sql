-- Support tools (issue 12): temporary passwords issued by support (password_resets), and
-- one index per filter of GET /api/v1/audit-events, each in the list's (occurred_at, id)
-- order. A failed sign-in with an email no account has is about that email, not about a
-- user: its entity becomes ('email', the email), so "why can't X sign in?" finds it by
-- the entity index once an account with that email exists.
CREATE TABLE `password_resets` (
	`user_id` text PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`code_hash` text NOT NULL,
	`issued_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`issued_by` text,
	`used_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`issued_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
DROP INDEX `audit_events_entity_idx`;--> statement-breakpoint
DROP INDEX `audit_events_actor_idx`;--> statement-breakpoint
DROP INDEX `audit_events_occurred_at_idx`;--> statement-breakpoint
CREATE INDEX `audit_events_occurred_at_id_idx` ON `audit_events` (`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_occurred_at_id_idx` ON `audit_events` (`actor_id`,`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_entity_id_occurred_at_id_idx` ON `audit_events` (`entity_id`,`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_entity_type_occurred_at_id_idx` ON `audit_events` (`entity_type`,`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_action_occurred_at_id_idx` ON `audit_events` (`action`,`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_request_id_occurred_at_id_idx` ON `audit_events` (`request_id`,`occurred_at`,`id`);--> statement-breakpoint
UPDATE `audit_events` SET `entity_type` = 'email', `entity_id` = lower(json_extract(`changes`, '$.email.after'))
WHERE `action` = 'auth.login_failed' AND `entity_id` IS NULL AND json_extract(`changes`, '$.email.after') IS NOT NULL;
--> statement-breakpoint
-- The first refusal of a sign-in window is the lockout support is asked about: named so.
UPDATE `audit_events` SET `action` = 'auth.locked_out' WHERE `action` = 'auth.sign_in_throttled';
