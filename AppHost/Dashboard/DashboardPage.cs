namespace Agentic.AppHost.Dashboard;

/// <summary>The dashboard page: one table, refreshed every two seconds from <c>/resources</c>; no external assets.</summary>
public static class DashboardPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Agentic AppHost</title>
        <style>
          body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
          h1 { font-size: 1.3em; }
          table { border-collapse: collapse; min-width: 60em; }
          th, td { text-align: left; padding: .35em .8em; border-bottom: 1px solid #ddd; }
          th { background: #f4f4f4; }
          .Healthy { color: #13795b; font-weight: 600; }
          .Unhealthy { color: #b42318; font-weight: 600; }
          .Unknown { color: #777; }
          td.mono, pre { font-family: ui-monospace, monospace; }
          pre { background: #111; color: #ddd; padding: 1em; max-height: 40em; overflow: auto; white-space: pre-wrap; }
          a { color: #0b5cad; cursor: pointer; }
          #updated { color: #777; font-size: .9em; }
        </style>
        </head>
        <body>
        <h1>Agentic resources</h1>
        <table>
          <thead><tr><th>Name</th><th>Type</th><th>State</th><th>Health</th><th>PID</th><th>URL</th><th>Restarts</th></tr></thead>
          <tbody id="rows"><tr><td colspan="7">Loading&hellip;</td></tr></tbody>
        </table>
        <p id="updated"></p>
        <h2 id="log-title"></h2>
        <pre id="log" hidden></pre>
        <script>
          let selected = null;
          const text = v => v === null || v === undefined ? '' : String(v);
          function cell(row, value, cls) {
            const td = document.createElement('td');
            td.textContent = text(value);
            if (cls) td.className = cls;
            row.appendChild(td);
            return td;
          }
          async function refresh() {
            try {
              const resources = await (await fetch('/resources', { cache: 'no-store' })).json();
              const body = document.getElementById('rows');
              body.replaceChildren();
              for (const r of resources) {
                const row = document.createElement('tr');
                const name = cell(row, '');
                const link = document.createElement('a');
                link.textContent = r.name;
                link.onclick = () => { selected = r.name; refreshLog(); };
                name.appendChild(link);
                cell(row, r.type);
                cell(row, r.state);
                cell(row, r.health, r.health);
                cell(row, r.pid, 'mono');
                cell(row, r.url, 'mono');
                cell(row, r.restarts);
                body.appendChild(row);
              }
              document.getElementById('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
            } catch (e) {
              document.getElementById('updated').textContent = 'AppHost not reachable (' + e + ')';
            }
            await refreshLog();
          }
          async function refreshLog() {
            if (!selected) return;
            const response = await fetch('/resources/' + encodeURIComponent(selected) + '/logs', { cache: 'no-store' });
            const log = document.getElementById('log');
            document.getElementById('log-title').textContent = 'Console: ' + selected;
            const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 5;
            log.textContent = response.ok ? await response.text() : '(no log)';
            log.hidden = false;
            if (atBottom) log.scrollTop = log.scrollHeight;
          }
          refresh();
          setInterval(refresh, 2000);
        </script>
        </body>
        </html>
        """;
}
