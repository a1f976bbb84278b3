CREATE TABLE `alert_evaluations` (
	`integration_id` text PRIMARY KEY NOT NULL,
	`evaluated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_evaluations_at_idx` ON `alert_evaluations` (`evaluated_at`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`fingerprint` text NOT NULL,
	`rule` text NOT NULL,
	`integration_id` text,
	`merchant_id` text,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`value` real,
	`threshold` real NOT NULL,
	`summary` text NOT NULL,
	`description` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	`last_evaluated_at` integer NOT NULL,
	`notify_due_at` integer,
	`claim_token` text,
	`claimed_at` integer,
	`notified_at` integer,
	`notifications` integer DEFAULT 0 NOT NULL,
	`resolved_notified_at` integer,
	`notify_failures` integer DEFAULT 0 NOT NULL,
	`last_notify_error` text,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`silenced_until` integer,
	`silenced_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_firing_uq` ON `alerts` (`fingerprint`) WHERE status = 'firing';--> statement-breakpoint
CREATE INDEX `alerts_notify_due_idx` ON `alerts` (`notify_due_at`);--> statement-breakpoint
CREATE INDEX `alerts_merchant_starts_idx` ON `alerts` (`merchant_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `alerts_integration_starts_idx` ON `alerts` (`integration_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `alerts_status_starts_idx` ON `alerts` (`status`,`starts_at`);--> statement-breakpoint
CREATE TABLE `integration_health` (
	`integration_id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`status` text,
	`checked_at` integer,
	`latency_ms` integer,
	`duration_ms` integer,
	`message` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`next_check_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `integration_health_due_idx` ON `integration_health` (`next_check_at`);--> statement-breakpoint
CREATE INDEX `integration_health_merchant_idx` ON `integration_health` (`merchant_id`);