ALTER TABLE `orders` ADD `erp_document_number` text;--> statement-breakpoint
CREATE UNIQUE INDEX `orders_integration_document_uq` ON `orders` (`integration_id`,`erp_document_number`);--> statement-breakpoint
ALTER TABLE `record_hashes` ADD `seen_run` text;--> statement-breakpoint
ALTER TABLE `record_hashes` ADD `inactive` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_pages` ADD `from_watermark` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_runs` ADD `items_deactivated` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_runs` ADD `partial_entities` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_runs` ADD `notes` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_watermarks` ADD `complete_at` integer;--> statement-breakpoint
-- Orders stored before document numbers existed: a number that fits every ERP's field is its own.
UPDATE `orders` SET `erp_document_number` = `order_number` WHERE length(`order_number`) <= 15;
