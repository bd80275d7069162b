// The peer of the start-up bench: a bare Fastify process with one /readyz route, as small as a
// Fastify server gets. It loads the same fastify package and Node as `healthcode serve`.
import Fastify from 'fastify'

const app = Fastify({ logger: { level: 'warn' } })
app.get('/readyz', async () => ({ ready: true }))
// The start-up bench binds port 0 and reads the port from this line, as from `healthcode serve`'s.
const address = await app.listen({ port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' })
process.stdout.write(`listening on ${address}\n`)
