/**
 * The baseline of the webhook benchmark: a bare Hono route in the same runtime as the gateway.
 * It reads the body, as the receiver must before it can verify anything, and answers 202 with a
 * receipt of the same shape, so that the comparison leaves out only the gateway's own work
 * (middleware, D1, the guard, the queue, the crypto), not the bytes on the wire.
 */
import { Hono } from "hono";

const app = new Hono();

app.post("/bare/:id", async (c) => {
  await c.req.arrayBuffer();
  return c.json({ success: true, data: { id: c.req.param("id"), status: "received", duplicate: false } }, 202);
});

export default app;
