-- The session guard (issue 11): an authenticated request's first round trip to D1 starts
-- with `INSERT INTO session_guard …`, which writes nothing and aborts the whole batch (so
-- nothing after it is read or written) unless the caller's session is alive, their user
-- active and their role still the one their access token names. It is the SQL twin of
-- currentAccess() in src/auth/sessions.ts; test/session-guard.test.ts holds them together.
CREATE VIEW `session_guard` AS
	SELECT NULL AS `session_id`, NULL AS `user_id`, NULL AS `role`, NULL AS `now`, NULL AS `idle_since`
	WHERE 0;
--> statement-breakpoint
CREATE TRIGGER `session_guard_check` INSTEAD OF INSERT ON `session_guard`
BEGIN
	SELECT RAISE(ABORT, 'session_guard_refused')
	WHERE NOT EXISTS (
		SELECT 1 FROM `sessions` JOIN `users` ON `users`.`id` = `sessions`.`user_id`
		WHERE `sessions`.`id` = NEW.`session_id`
			AND `sessions`.`user_id` = NEW.`user_id`
			AND `sessions`.`revoked_at` IS NULL
			AND `sessions`.`expires_at` > NEW.`now`
			AND `sessions`.`last_used_at` >= NEW.`idle_since`
			AND `users`.`status` = 'active'
			AND `users`.`role` = NEW.`role`
	);
END;
