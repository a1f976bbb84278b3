CREATE TABLE `item_versions` (
	`integration_id` text NOT NULL,
	`entity` text NOT NULL,
	`key` text NOT NULL,
	`version` real NOT NULL,
	`event_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`integration_id`, `entity`, `key`)
);
--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`external_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`version` real NOT NULL,
	`payload` text NOT NULL,
	`outcome` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`duplicates` integer DEFAULT 0 NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	`last_duplicate_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_external_uq` ON `webhook_events` (`integration_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `webhook_events_integration_received_idx` ON `webhook_events` (`integration_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `webhook_events_status_idx` ON `webhook_events` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `webhook_refusals` (
	`integration_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`cause` text NOT NULL,
	`hour` integer NOT NULL,
	`count` integer NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`message` text NOT NULL,
	PRIMARY KEY(`integration_id`, `cause`, `hour`)
);
--> statement-breakpoint
CREATE INDEX `webhook_refusals_integration_last_idx` ON `webhook_refusals` (`integration_id`,`last_at`);--> statement-breakpoint
CREATE TABLE `webhook_secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`key_id` text NOT NULL,
	`ciphertext` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_secrets_integration_idx` ON `webhook_secrets` (`integration_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_secrets_key_idx` ON `webhook_secrets` (`key_id`);