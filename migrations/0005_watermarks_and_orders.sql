CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`order_number` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`erp_order_id` text,
	`created_in_erp` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`exported_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_integration_number_uq` ON `orders` (`integration_id`,`order_number`);--> statement-breakpoint
CREATE INDEX `orders_integration_created_idx` ON `orders` (`integration_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `sync_watermarks` (
	`integration_id` text NOT NULL,
	`stream` text NOT NULL,
	`watermark` text NOT NULL,
	`run_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`integration_id`, `stream`)
);
--> statement-breakpoint
ALTER TABLE `sync_pages` ADD `watermark` text;