// Cluster view: members and their status, and the shards and entities each node hosts.

import { api } from './api.js';
import { clear, el, fmt, problemBox } from './dom.js';

const REFRESH_MS = 5000;

export function mount(root) {
  let disposed = false;
  const summary = el('p', { class: 'muted' });
  const problem = el('div');
  const members = el('tbody');
  const nodes = el('tbody');
  clear(root).append(
    el('h1', {}, 'Cluster', el('small', { text: `refreshed every ${REFRESH_MS / 1000} s` })),
    problem,
    summary,
    el('div', { class: 'stack' },
      el('section', { class: 'panel' }, el('h2', {}, 'Members'),
        el('table', { id: 'members-table' },
          el('thead', {}, el('tr', {}, ['Address', 'Status', 'Reachable', 'Roles', 'Up since', ''].map((h) => el('th', { text: h })))),
          members)),
      el('section', { class: 'panel' }, el('h2', {}, 'Shards and entities per node'),
        el('table', { id: 'nodes-table' },
          el('thead', {}, el('tr', {}, ['Node', 'Shards', 'Entities', 'Entities per shard', 'Not answering'].map((h, i) => el('th', { class: i === 1 || i === 2 ? 'num' : '', text: h })))),
          nodes))),
  );

  async function refresh() {
    try {
      const o = await api('/cluster');
      if (disposed) return;
      problem.replaceChildren();
      summary.textContent = `${o.members.length} member${o.members.length === 1 ? '' : 's'} · leader ${o.leader || 'none'} · this node ${o.self}`;
      members.replaceChildren(
        ...o.members.map((m) =>
          el('tr', { dataset: { address: m.address, status: m.status } },
            el('td', {}, m.address, ' ', m.address === o.self ? el('span', { class: 'badge', text: 'this node' }) : null,
              m.address === o.leader ? el('span', { class: 'badge champion', text: 'leader' }) : null),
            el('td', {}, el('span', { class: 'badge ' + (m.status === 'up' ? 'ok' : m.status === 'down' ? 'bad' : ''), text: m.status })),
            el('td', {}, el('span', { class: 'badge ' + (m.reachable ? 'ok' : 'bad'), text: m.reachable ? 'yes' : 'no' })),
            el('td', { text: (m.roles || []).join(', ') || '–' }),
            el('td', { text: m.upSince ? fmt.time(m.upSince) : '–' }),
            el('td', { class: 'muted', text: m.upSince ? fmt.age(m.upSince).replace(' ago', '') : '' }))),
      );
      nodes.replaceChildren(
        ...o.nodes.map((n) =>
          el('tr', { dataset: { address: n.address } },
            el('td', { text: n.address }),
            el('td', { class: 'num', dataset: { col: 'shards' }, text: fmt.int(n.shards) }),
            el('td', { class: 'num', dataset: { col: 'entities' }, text: fmt.int(n.entities) }),
            el('td', { text: Object.entries(n.entitiesPerShard || {}).sort((a, b) => a[0] - b[0]).map(([s, c]) => `#${s}: ${c}`).join('  ') || '–' }),
            el('td', { text: (n.failed || []).join(', ') || '–' }))),
      );
      if (!o.nodes.length) nodes.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No shards allocated yet.' })));
    } catch (e) {
      if (!disposed) problem.replaceChildren(problemBox(e));
    }
  }

  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => {
    disposed = true;
    clearInterval(timer);
  };
}
