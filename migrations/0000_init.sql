CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`role` text,
	`merchant_id` text,
	`action` text NOT NULL,
	`outcome` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`request_id` text,
	`ip` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_merchant_at_idx` ON `audit_log` (`merchant_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_target_idx` ON `audit_log` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `integrations` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`connector` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`settings` text NOT NULL,
	`credentials_ciphertext` text NOT NULL,
	`credentials_key_id` text NOT NULL,
	`credential_fields` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `integrations_merchant_name_uq` ON `integrations` (`merchant_id`,`name`);--> statement-breakpoint
CREATE INDEX `integrations_merchant_created_idx` ON `integrations` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `integrations_key_idx` ON `integrations` (`credentials_key_id`);