CREATE TABLE `establishment_sellers` (
	`establishment_id` text NOT NULL,
	`seller_id` text NOT NULL,
	`assigned_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`establishment_id`, `seller_id`),
	FOREIGN KEY (`establishment_id`) REFERENCES `establishments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`seller_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `establishment_sellers_seller_idx` ON `establishment_sellers` (`seller_id`,`establishment_id`);--> statement-breakpoint
CREATE TABLE `establishments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`tax_id` text,
	`kind` text NOT NULL,
	`address` text NOT NULL,
	`city` text NOT NULL,
	`department` text NOT NULL,
	`latitude` real,
	`longitude` real,
	`phone` text,
	`portfolio_id` text,
	`status` text DEFAULT 'active' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "establishments_kind_check" CHECK("establishments"."kind" in ('tienda', 'minimercado', 'supermercado', 'drogueria', 'other')),
	CONSTRAINT "establishments_status_check" CHECK("establishments"."status" in ('active', 'inactive')),
	CONSTRAINT "establishments_coordinates_check" CHECK(("establishments"."latitude" is null and "establishments"."longitude" is null) or ("establishments"."latitude" between -90 and 90 and "establishments"."longitude" between -180 and 180)),
	CONSTRAINT "establishments_version_check" CHECK("establishments"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `establishments_tax_id_unique` ON `establishments` (`tax_id`) WHERE "establishments"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX `establishments_city_id_idx` ON `establishments` (`city`,`id`);--> statement-breakpoint
CREATE INDEX `establishments_department_idx` ON `establishments` (`department`);--> statement-breakpoint
CREATE INDEX `establishments_status_idx` ON `establishments` (`status`);--> statement-breakpoint
CREATE INDEX `establishments_portfolio_idx` ON `establishments` (`portfolio_id`);--> statement-breakpoint
CREATE INDEX `establishments_name_id_idx` ON `establishments` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `establishments_created_at_id_idx` ON `establishments` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `establishments_updated_at_id_idx` ON `establishments` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`occurred_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text,
	`request_id` text,
	`ip` text,
	`user_agent` text,
	`changes` text,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `audit_events_entity_idx` ON `audit_events` (`entity_type`,`entity_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_idx` ON `audit_events` (`actor_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `audit_events_occurred_at_idx` ON `audit_events` (`occurred_at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`response_headers` text,
	`response_body` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`user_id`, `key`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "idempotency_keys_status_check" CHECK("idempotency_keys"."status" between 200 and 299)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires_at_idx` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
CREATE TABLE `portfolio_items` (
	`portfolio_id` text NOT NULL,
	`product_id` text NOT NULL,
	`price` integer,
	`position` integer NOT NULL,
	`added_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`portfolio_id`, `product_id`),
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "portfolio_items_price_check" CHECK("portfolio_items"."price" is null or "portfolio_items"."price" >= 0),
	CONSTRAINT "portfolio_items_position_check" CHECK("portfolio_items"."position" >= 0)
);
--> statement-breakpoint
CREATE INDEX `portfolio_items_portfolio_position_idx` ON `portfolio_items` (`portfolio_id`,`position`,`product_id`);--> statement-breakpoint
CREATE INDEX `portfolio_items_product_idx` ON `portfolio_items` (`product_id`);--> statement-breakpoint
CREATE TABLE `portfolios` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`status` text DEFAULT 'active' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`deleted_at` text,
	CONSTRAINT "portfolios_status_check" CHECK("portfolios"."status" in ('active', 'inactive')),
	CONSTRAINT "portfolios_version_check" CHECK("portfolios"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `portfolios_name_unique` ON `portfolios` (`name`) WHERE "portfolios"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX `portfolios_status_idx` ON `portfolios` (`status`);--> statement-breakpoint
CREATE INDEX `portfolios_created_at_id_idx` ON `portfolios` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `portfolios_updated_at_id_idx` ON `portfolios` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`category` text NOT NULL,
	`brand` text,
	`gtin` text,
	`image_url` text,
	`unit` text NOT NULL,
	`price` integer NOT NULL,
	`currency` text DEFAULT 'COP' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`deleted_at` text,
	CONSTRAINT "products_unit_check" CHECK("products"."unit" in ('unit', 'pack', 'box', 'kg', 'l')),
	CONSTRAINT "products_status_check" CHECK("products"."status" in ('active', 'inactive')),
	CONSTRAINT "products_price_check" CHECK("products"."price" >= 0),
	CONSTRAINT "products_version_check" CHECK("products"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_sku_unique` ON `products` (`sku`) WHERE "products"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX `products_gtin_unique` ON `products` (`gtin`) WHERE "products"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX `products_category_idx` ON `products` (`category`);--> statement-breakpoint
CREATE INDEX `products_status_idx` ON `products` (`status`);--> statement-breakpoint
CREATE INDEX `products_name_id_idx` ON `products` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `products_price_id_idx` ON `products` (`price`,`id`);--> statement-breakpoint
CREATE INDEX `products_created_at_id_idx` ON `products` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `products_updated_at_id_idx` ON `products` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`document_number` text,
	`phone` text,
	`role` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`password_hash` text NOT NULL,
	`password_changed_at` text NOT NULL,
	`failed_login_count` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`last_login_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	CONSTRAINT "users_role_check" CHECK("users"."role" in ('admin', 'seller', 'support', 'analyst')),
	CONSTRAINT "users_status_check" CHECK("users"."status" in ('active', 'disabled')),
	CONSTRAINT "users_failed_login_count_check" CHECK("users"."failed_login_count" >= 0),
	CONSTRAINT "users_version_check" CHECK("users"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_lower_unique` ON `users` (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX `users_document_number_unique` ON `users` (`document_number`);--> statement-breakpoint
CREATE INDEX `users_role_idx` ON `users` (`role`);--> statement-breakpoint
CREATE INDEX `users_status_idx` ON `users` (`status`);--> statement-breakpoint
CREATE INDEX `users_created_at_id_idx` ON `users` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_last_name_id_idx` ON `users` (`last_name`,`id`);