import type { Entity } from "../platform/records.ts";

/** Events whose data are items: they go through mapping, validation, delta and push. */
export const ITEM_EVENTS = {
  "product.updated": ["products", "inventory", "prices"],
  "inventory.changed": ["inventory"],
  "price.changed": ["prices"],
} as const satisfies Record<string, readonly Entity[]>;
export type ItemEventType = keyof typeof ITEM_EVENTS;

/** The platform's new order: written into the ERP through the orders path. */
export const ORDER_EVENT = "order.created";

export const EVENT_TYPES = [...(Object.keys(ITEM_EVENTS) as ItemEventType[]), ORDER_EVENT] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isItemEvent = (type: string): type is ItemEventType => Object.hasOwn(ITEM_EVENTS, type);
export const isKnownEvent = (type: string): type is EventType => (EVENT_TYPES as readonly string[]).includes(type);

/**
 * The presets' senders name the event in a header, and their bodies are the resource itself.
 * Shopify: X-Shopify-Topic (https://shopify.dev/docs/apps/build/webhooks/subscribe/https);
 * WooCommerce: X-WC-Webhook-Topic (https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks).
 */
export const TOPIC_HEADERS: Partial<Record<string, { header: string; topics: Record<string, EventType> }>> = {
  shopify: {
    header: "x-shopify-topic",
    topics: {
      "products/create": "product.updated",
      "products/update": "product.updated",
      "inventory_levels/update": "inventory.changed",
      "orders/create": "order.created",
    },
  },
  woocommerce: {
    header: "x-wc-webhook-topic",
    topics: {
      "product.created": "product.updated",
      "product.updated": "product.updated",
      "order.created": "order.created",
    },
  },
};
