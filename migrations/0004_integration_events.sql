CREATE TABLE `integration_events` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`dispatched_at` integer
);
--> statement-breakpoint
CREATE INDEX `integration_events_pending_idx` ON `integration_events` (`dispatched_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `integration_events_integration_idx` ON `integration_events` (`integration_id`,`created_at`);