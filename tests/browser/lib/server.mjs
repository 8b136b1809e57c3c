// A plain static file server for the browser tests (no dependency, not `passerelle serve`,
// so the static search is what is tested). Serves ROOT from 127.0.0.1 on a free port:
// a directory answers with its index.html (a directory URL without its trailing slash is
// redirected, as static hosts do), an unknown path with ROOT/404.html and status 404.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml',
  '.ics': 'text/calendar; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
  '.bin': 'application/octet-stream',
};

const typeOf = (p) => TYPES[extname(p).toLowerCase()] || 'application/octet-stream';

async function isFile(p) {
  try { return (await stat(p)).isFile(); } catch { return false; }
}
async function isDir(p) {
  try { return (await stat(p)).isDirectory(); } catch { return false; }
}

/**
 * Starts the server; resolves to { url, port, close(), requests } (requests: paths served).
 * With `prefix` (`/portal/`), ROOT is served at that path only, as a project site of a
 * static host is: any other path is a plain 404.
 */
export async function serve(root, { prefix = '/' } = {}) {
  root = resolve(root);
  const requests = [];
  const server = createServer(async (req, res) => {
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store', ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      const u = new URL(req.url, 'http://127.0.0.1');
      requests.push(u.pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', Buffer.from('method not allowed'));
      if (!(u.pathname + '/').startsWith(prefix)) return send(404, 'text/plain', Buffer.from('outside ' + prefix));
      let path;
      try { path = decodeURIComponent('/' + u.pathname.slice(prefix.length)); } catch { path = null; }
      const file = path === null ? null : resolve(join(root, path));
      if (file && (file === root || file.startsWith(root + sep))) {
        if (await isDir(file)) {
          if (!u.pathname.endsWith('/')) return send(301, 'text/plain', Buffer.from(''), { location: u.pathname + '/' + u.search });
          const index = join(file, 'index.html');
          if (await isFile(index)) return send(200, TYPES['.html'], await readFile(index));
        } else if (await isFile(file)) {
          return send(200, typeOf(file), await readFile(file));
        }
      }
      const notFound = join(root, '404.html');
      return send(404, TYPES['.html'], (await isFile(notFound)) ? await readFile(notFound) : Buffer.from('Not found'));
    } catch (e) {
      send(500, 'text/plain', Buffer.from(String(e)));
    }
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', ok); });
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}
