ALTER TABLE `audit_log` ADD `count` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `last_at` integer;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `aggregate_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_aggregate_key_idx` ON `audit_log` (`aggregate_key`);--> statement-breakpoint
CREATE INDEX `sync_runs_merchant_active_idx` ON `sync_runs` (`merchant_id`) WHERE status IN ('queued', 'running');