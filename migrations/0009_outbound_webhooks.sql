CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`subscription_id` text NOT NULL,
	`event_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`integration_id` text,
	`event_type` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`succeeded_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_subscription_event_uq` ON `deliveries` (`subscription_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `deliveries_subscription_created_idx` ON `deliveries` (`subscription_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`at` integer NOT NULL,
	`trigger` text NOT NULL,
	`status_code` integer,
	`error_class` text,
	`error` text,
	`latency_ms` integer NOT NULL,
	`response_body` text
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_delivery_idx` ON `delivery_attempts` (`delivery_id`,`at`);--> statement-breakpoint
CREATE INDEX `delivery_attempts_subscription_idx` ON `delivery_attempts` (`subscription_id`,`at`);--> statement-breakpoint
CREATE TABLE `subscription_secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`subscription_id` text NOT NULL,
	`key_id` text NOT NULL,
	`ciphertext` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `subscription_secrets_subscription_idx` ON `subscription_secrets` (`subscription_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `subscription_secrets_key_idx` ON `subscription_secrets` (`key_id`);--> statement-breakpoint
CREATE TABLE `webhook_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`integration_id` text,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`description` text,
	`status` text NOT NULL,
	`disabled_reason` text,
	`disabled_at` integer,
	`failing_since` integer,
	`last_success_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_subscriptions_merchant_idx` ON `webhook_subscriptions` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_subscriptions_integration_idx` ON `webhook_subscriptions` (`integration_id`);