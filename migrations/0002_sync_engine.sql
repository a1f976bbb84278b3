CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text,
	`integration_id` text,
	`merchant_id` text,
	`queue` text NOT NULL,
	`message` text NOT NULL,
	`error` text,
	`attempts` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`replayed_at` integer
);
--> statement-breakpoint
CREATE INDEX `dead_letters_merchant_created_idx` ON `dead_letters` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `dead_letters_created_idx` ON `dead_letters` (`created_at`);--> statement-breakpoint
CREATE TABLE `record_hashes` (
	`integration_id` text NOT NULL,
	`entity` text NOT NULL,
	`key` text NOT NULL,
	`hash` text NOT NULL,
	`pushed_at` integer NOT NULL,
	PRIMARY KEY(`integration_id`, `entity`, `key`)
);
--> statement-breakpoint
CREATE TABLE `sync_pages` (
	`run_id` text NOT NULL,
	`stream` integer NOT NULL,
	`page` integer NOT NULL,
	`status` text NOT NULL,
	`next_cursor` text,
	`finished_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `stream`, `page`)
);
--> statement-breakpoint
CREATE TABLE `sync_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`type` text NOT NULL,
	`trigger` text NOT NULL,
	`trigger_key` text,
	`status` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`force` integer DEFAULT false NOT NULL,
	`source` text,
	`streams` text NOT NULL,
	`entities` text NOT NULL,
	`pages_done` integer DEFAULT 0 NOT NULL,
	`items_read` integer DEFAULT 0 NOT NULL,
	`items_changed` integer DEFAULT 0 NOT NULL,
	`items_pushed` integer DEFAULT 0 NOT NULL,
	`items_rejected` integer DEFAULT 0 NOT NULL,
	`platform_requests` integer DEFAULT 0 NOT NULL,
	`rejected_sample` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_runs_active_uq` ON `sync_runs` (`integration_id`,`type`) WHERE status IN ('queued', 'running');--> statement-breakpoint
CREATE UNIQUE INDEX `sync_runs_trigger_uq` ON `sync_runs` (`integration_id`,`trigger_key`);--> statement-breakpoint
CREATE INDEX `sync_runs_integration_created_idx` ON `sync_runs` (`integration_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `sync_runs_merchant_created_idx` ON `sync_runs` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `sync_runs_status_updated_idx` ON `sync_runs` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `upload_chunks` (
	`upload_id` text NOT NULL,
	`seq` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`upload_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`bytes` integer NOT NULL,
	`chunks` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `integrations` ADD `mapping` text;--> statement-breakpoint
ALTER TABLE `integrations` ADD `next_sync_at` integer;--> statement-breakpoint
CREATE INDEX `integrations_due_idx` ON `integrations` (`next_sync_at`);