PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_integration_events` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text,
	`merchant_id` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`dispatched_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_integration_events`("id", "integration_id", "merchant_id", "type", "payload", "created_at", "dispatched_at") SELECT "id", "integration_id", "merchant_id", "type", "payload", "created_at", "dispatched_at" FROM `integration_events`;--> statement-breakpoint
DROP TABLE `integration_events`;--> statement-breakpoint
ALTER TABLE `__new_integration_events` RENAME TO `integration_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `integration_events_pending_idx` ON `integration_events` (`dispatched_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `integration_events_integration_idx` ON `integration_events` (`integration_id`,`created_at`);