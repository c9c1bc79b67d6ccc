-- Agentic schema, version 1: what the system tracks.
-- Applied once by the migrator; never edit an applied script, add a new numbered one.

CREATE TABLE installations (
    id              bigint PRIMARY KEY,
    account         text        NOT NULL,
    suspended       boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE repositories (
    id              bigint PRIMARY KEY,
    installation_id bigint      NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    owner           text        NOT NULL,
    name            text        NOT NULL,
    default_branch  text,
    enabled         boolean     NOT NULL DEFAULT true,
    -- reconciliation: higher runs first; the ETag of the last PR listing answers 304s
    priority        integer     NOT NULL DEFAULT 0,
    pulls_etag      text,
    reconciled_at   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner, name)
);

CREATE TABLE pull_requests (
    repository_id   bigint      NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    number          integer     NOT NULL,
    title           text        NOT NULL DEFAULT '',
    author          text        NOT NULL DEFAULT '',
    head_sha        text        NOT NULL,
    head_ref        text        NOT NULL,
    base_ref        text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('open', 'closed', 'merged')),
    draft           boolean     NOT NULL DEFAULT false,
    from_fork       boolean     NOT NULL DEFAULT false,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository_id, number)
);

CREATE TABLE check_runs (
    id              bigint PRIMARY KEY,
    repository_id   bigint      NOT NULL,
    head_sha        text        NOT NULL,
    name            text        NOT NULL,
    status          text        NOT NULL,
    conclusion      text,
    app_slug        text,
    details_url     text,
    job_id          bigint,
    completed_at    timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX check_runs_repository_head ON check_runs (repository_id, head_sha);

-- The inbox: one row per accepted webhook delivery, keyed by the provider's delivery id.
CREATE TABLE webhook_deliveries (
    source          text        NOT NULL CHECK (source IN ('github', 'slack', 'linear')),
    delivery_id     text        NOT NULL,
    event           text        NOT NULL,
    action          text,
    correlation_id  uuid        NOT NULL,
    body            bytea       NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    publish_attempts integer    NOT NULL DEFAULT 0,
    last_error      text,
    ignored         boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (source, delivery_id)
);
CREATE INDEX webhook_deliveries_unpublished ON webhook_deliveries (received_at) WHERE published_at IS NULL AND NOT ignored;
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at DESC);

-- One row per workflow (fix, request, review), readable by the dashboard; the saga row holds the live state.
CREATE TABLE workflows (
    id              uuid PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('fix', 'request', 'review')),
    repository_id   bigint,
    pr_number       integer,
    head_sha        text,
    check_name      text,
    state           text        NOT NULL,
    outcome         text,
    attempts        integer     NOT NULL DEFAULT 0,
    cost_usd        numeric(12, 6) NOT NULL DEFAULT 0,
    summary         text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);
-- "once per (repository, head SHA, check)": a second detection of the same failure finds this row.
CREATE UNIQUE INDEX workflows_fix_identity ON workflows (repository_id, head_sha, check_name) WHERE kind = 'fix';
CREATE INDEX workflows_updated ON workflows (updated_at DESC);

CREATE TABLE analyses (
    id              uuid PRIMARY KEY,
    workflow_id     uuid        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    log_hash        text,
    category        text        NOT NULL,
    strategy        text        NOT NULL,
    confidence      double precision NOT NULL,
    root_cause      text        NOT NULL,
    llm_calls       integer     NOT NULL DEFAULT 0,
    input_tokens    integer     NOT NULL DEFAULT 0,
    output_tokens   integer     NOT NULL DEFAULT 0,
    cost_usd        numeric(12, 6) NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX analyses_log_hash ON analyses (log_hash);

CREATE TABLE fix_attempts (
    workflow_id     uuid        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    attempt         integer     NOT NULL,
    strategy        text        NOT NULL,
    command         text,
    outcome         text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    PRIMARY KEY (workflow_id, attempt)
);

CREATE TABLE command_executions (
    id              uuid PRIMARY KEY,
    workflow_id     uuid,
    command         text        NOT NULL,
    arguments       jsonb       NOT NULL DEFAULT '{}',
    outcome         text,
    exit_code       integer,
    duration_ms     bigint,
    patch           text,
    validation      jsonb,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);

CREATE TABLE reviews (
    id              uuid PRIMARY KEY,
    repository_id   bigint      NOT NULL,
    pr_number       integer     NOT NULL,
    head_sha        text        NOT NULL,
    github_review_id bigint,
    findings        jsonb       NOT NULL DEFAULT '[]',
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- One report per workflow and destination, updated in place; sequence drops stale updates.
CREATE TABLE notifications (
    workflow_id     uuid        NOT NULL,
    source          text        NOT NULL,
    target          text        NOT NULL,
    external_id     text,
    sequence        integer     NOT NULL,
    status          text        NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workflow_id, source, target)
);

-- Idempotent consumers record the messages whose side effects they have applied.
CREATE TABLE processed_messages (
    consumer        text        NOT NULL,
    message_id      uuid        NOT NULL,
    processed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

CREATE TABLE audit_log (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text        NOT NULL,
    action          text        NOT NULL,
    subject         text        NOT NULL,
    correlation_id  uuid,
    detail          jsonb
);
CREATE INDEX audit_log_subject ON audit_log (subject, at DESC);

-- Saga instances: one table per state machine, the same shape for all (see PostgresSagaRepository).
CREATE TABLE fix_workflow_sagas (
    correlation_id  uuid PRIMARY KEY,
    current_state   text        NOT NULL,
    version         integer     NOT NULL,
    data            jsonb       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
