// The peer of the start-up bench: a bare Fastify process with one /readyz route, as small as a
// Fastify server gets. It loads the same fastify package and Node as `healthcode serve`.
import Fastify from 'fastify'

const app = Fastify({ logger: { level: 'warn' } })
app.get('/readyz', async () => ({ ready: true }))
await app.listen({ port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' })
