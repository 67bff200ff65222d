-- Webhook subscriptions and what became of their deliveries (docs/events.md). A subscription's
-- position is the last global index of the event log it is done with (delivered, or not of its
-- types); it moves only after the receiver acknowledged, so a crash delivers again, with the
-- same webhook-id. A node delivers a subscription only while it holds its lease, so two nodes
-- never deliver one subscription at once and its order holds.
create table webhook_subscription (
    id                   uuid primary key,
    url                  text         not null,
    event_types          text[]       not null,
    -- when set, only this organization's events, as its Org Admin would read them
    organization_id      uuid,
    secret               text         not null,
    description          text,
    created_by           varchar(255) not null,
    created_at           timestamptz  not null,
    position             bigint       not null,
    state                varchar(16)  not null check (state in ('ACTIVE', 'PAUSED')),
    paused_at            timestamptz,
    paused_reason        text,
    failures             integer      not null default 0,
    failing_since        timestamptz,
    next_attempt_at      timestamptz  not null,
    last_delivered_at    timestamptz,
    leased_by            varchar(255),
    lease_until          timestamptz
);

comment on table webhook_subscription is
    'Webhook subscriptions of Portal Admins and how far each is delivered. Written by WebhookSubscriptions.';

-- One row per attempt, kept for portal.webhooks.delivery-log.keep.
create table webhook_delivery (
    id               bigserial    primary key,
    subscription_id  uuid         not null references webhook_subscription (id) on delete cascade,
    event_id         varchar(255) not null,
    position         bigint       not null,
    event_type       text         not null,
    attempted_at     timestamptz  not null,
    duration_ms      integer      not null,
    status_code      integer,
    error            text,
    delivered        boolean      not null
);

create index webhook_delivery_by_subscription on webhook_delivery (subscription_id, id);
create index webhook_delivery_by_time on webhook_delivery (attempted_at);

comment on table webhook_delivery is
    'Attempts to deliver an event to a webhook subscription, successful or not. Written by WebhookSubscriptions.';
