namespace Agentic.ResultProcessor.Api;

/// <summary>
/// <c>GET /workflows</c>: the recent fix workflows (with one workflow's detail on click), refreshed every two seconds
/// from <c>/api/workflows</c>; no external assets. The AppHost links it from the dashboard (the Result Processor's
/// "Workflows" URL); the product's own web UI comes later.
/// </summary>
public static class WorkflowsPage
{
    public const string Path = "/workflows";

    public static IEndpointRouteBuilder MapWorkflowsPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, () => Results.Content(Html, "text/html; charset=utf-8"));
        return app;
    }

    private const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Agentic workflows</title>
        <style>
          body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
          h1 { font-size: 1.3em; }
          table { border-collapse: collapse; min-width: 60em; }
          th, td { text-align: left; padding: .35em .8em; border-bottom: 1px solid #ddd; }
          th { background: #f4f4f4; }
          td.mono, pre { font-family: ui-monospace, monospace; }
          pre { background: #111; color: #ddd; padding: 1em; max-height: 40em; overflow: auto; white-space: pre-wrap; }
          a { color: #0b5cad; cursor: pointer; }
          #wf-status { color: #777; font-size: .9em; }
          h2 { font-size: 1.1em; margin-top: 2em; }
          .Pushed, .Proposed { color: #13795b; font-weight: 600; }
          .Escalated { color: #b42318; font-weight: 600; }
          .Abandoned, .Superseded, .Rerun { color: #777; }
          tr.selected td { background: #eef4fb; }
          td.num { text-align: right; font-variant-numeric: tabular-nums; }
          td.steps { font-size: .9em; color: #444; }
          #wf-detail dl { display: grid; grid-template-columns: max-content 1fr; gap: .25em 1em; max-width: 80em; }
          #wf-detail dt { color: #555; }
          #wf-detail dd { margin: 0; white-space: pre-wrap; }
        </style>
        </head>
        <body>
        <h1>Fix workflows</h1>
        <p>
          <label>Show <select id="wf-state">
            <option value="">all</option><option value="active">active</option><option value="finished">finished</option>
          </select></label>
          <span id="wf-status"></span>
        </p>
        <table>
          <thead><tr><th>Repository</th><th>Check</th><th>State</th><th>Outcome</th><th>Attempts</th><th>Cost</th><th>Age</th><th>Steps</th><th>Summary</th></tr></thead>
          <tbody id="wf-rows"><tr><td colspan="9">Loading&hellip;</td></tr></tbody>
        </table>
        <div id="wf-detail" hidden>
          <h2 id="wf-title"></h2>
          <dl id="wf-fields"></dl>
          <table>
            <thead><tr><th>Attempt</th><th>Command</th><th>Outcome</th><th>Exit</th><th>Duration</th><th>Validation</th><th>Error</th></tr></thead>
            <tbody id="wf-executions"></tbody>
          </table>
        </div>
        <script>
          const text = v => v === null || v === undefined ? '' : String(v);
          function cell(row, value, cls) {
            const td = document.createElement('td');
            td.textContent = text(value);
            if (cls) td.className = cls;
            row.appendChild(td);
            return td;
          }
          const stepOrder = ['Configuring', 'Analysing', 'Dispatching', 'Executing', 'Publishing'];
          let selectedWorkflow = null;
          function duration(seconds) {
            if (seconds === null || seconds === undefined) return '';
            if (seconds < 10) return seconds.toFixed(1) + 's';
            if (seconds < 90) return Math.round(seconds) + 's';
            if (seconds < 5400) return Math.round(seconds / 60) + 'm';
            if (seconds < 172800) return Math.round(seconds / 3600) + 'h';
            return Math.round(seconds / 86400) + 'd';
          }
          function steps(w) {
            const seconds = Object.assign({}, w.stepSeconds);
            let running = null;
            if (w.active && w.stepStartedAt) {
              running = w.state;
              seconds[w.state] = (seconds[w.state] || 0) + (Date.now() - Date.parse(w.stepStartedAt)) / 1000;
            }
            const names = Object.keys(seconds).sort((a, b) =>
              (stepOrder.indexOf(a) + 1 || 99) - (stepOrder.indexOf(b) + 1 || 99));
            return names.map(n => n + ' ' + duration(seconds[n]) + (n === running ? ' (now)' : '')).join(' \u00b7 ');
          }
          async function refreshWorkflows() {
            const status = document.getElementById('wf-status');
            const state = document.getElementById('wf-state').value;
            try {
              const response = await fetch('api/workflows?limit=50' + (state ? '&state=' + encodeURIComponent(state) : ''), { cache: 'no-store' });
              const answer = await response.json();
              if (!response.ok) {
                status.textContent = answer.detail || answer.title || ('HTTP ' + response.status);
                return;
              }
              const body = document.getElementById('wf-rows');
              body.replaceChildren();
              if (answer.items.length === 0) {
                const row = document.createElement('tr');
                cell(row, 'No workflows yet.').colSpan = 9;
                body.appendChild(row);
              }
              for (const w of answer.items) {
                const row = document.createElement('tr');
                if (w.id === selectedWorkflow) row.className = 'selected';
                const repo = cell(row, '');
                const link = document.createElement('a');
                link.textContent = w.repository + '#' + w.pullRequest;
                link.title = w.id + ' at ' + w.headSha.substring(0, 7);
                link.onclick = () => { selectedWorkflow = w.id; refreshWorkflows(); };
                repo.appendChild(link);
                cell(row, w.checkName);
                cell(row, w.state);
                cell(row, w.outcome || (w.active ? 'in progress' : ''), w.outcome);
                cell(row, w.attempts, 'num');
                cell(row, '$' + Number(w.costUsd).toFixed(4), 'num');
                cell(row, duration((Date.now() - Date.parse(w.detectedAt)) / 1000), 'num');
                cell(row, steps(w), 'steps');
                cell(row, w.summary);
                body.appendChild(row);
              }
              status.textContent = answer.items.length + ' most recent' + (answer.next ? ' (older ones exist)' : '');
            } catch (e) {
              status.textContent = 'Workflows not available (' + e + ')';
            }
            await refreshWorkflow();
          }
          async function refreshWorkflow() {
            if (!selectedWorkflow) return;
            const response = await fetch('api/workflows/' + encodeURIComponent(selectedWorkflow), { cache: 'no-store' });
            if (!response.ok) return;
            const w = await response.json();
            document.getElementById('wf-title').textContent = 'Workflow ' + w.repository + '#' + w.pullRequest + ' ' + w.checkName + ' (' + w.id + ')';
            const fields = document.getElementById('wf-fields');
            fields.replaceChildren();
            const field = (name, value) => {
              if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
              const dt = document.createElement('dt'); dt.textContent = name;
              const dd = document.createElement('dd'); dd.textContent = Array.isArray(value) ? value.join(', ') : text(value);
              fields.append(dt, dd);
            };
            field('State', w.state + (w.outcome ? ' (' + w.outcome + ')' : ''));
            field('Head', w.headSha + ' on ' + w.headRef);
            field('Detected', w.detectedAt);
            field('Deadline', w.deadlineAt);
            field('Finished', w.finishedAt);
            field('Diagnosis', w.category ? w.category + ', ' + w.strategy + ', ' + Math.round(w.confidence * 100) + '% confidence' : null);
            field('Root cause', w.rootCause);
            field('Files', w.files);
            field('Last failure', w.lastFailure);
            field('Commit', w.commitSha);
            field('Proposal', w.proposalNumber ? '#' + w.proposalNumber : null);
            field('Steps', steps(w));
            field('Summary', w.summary);
            const executions = document.getElementById('wf-executions');
            executions.replaceChildren();
            for (const x of w.executions) {
              const row = document.createElement('tr');
              cell(row, x.attempt, 'num');
              cell(row, x.command, 'mono');
              cell(row, x.outcome || 'running');
              cell(row, x.exitCode, 'num');
              cell(row, duration(x.durationSeconds), 'num');
              cell(row, x.validation.map(v => v.kind + ' ' + (v.exitCode === 0 ? 'ok' : 'exit ' + v.exitCode) + ' ' + duration(v.durationSeconds)).join(', '));
              cell(row, x.error);
              executions.appendChild(row);
            }
            document.getElementById('wf-detail').hidden = false;
          }
          document.getElementById('wf-state').onchange = () => refreshWorkflows();
          refreshWorkflows();
          setInterval(refreshWorkflows, 2000);
        </script>
        </body>
        </html>
        """;
}
