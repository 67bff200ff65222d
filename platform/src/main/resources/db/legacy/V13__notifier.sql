-- The notifier (query side): emails as an outbox, written by the notifier's processor in the
-- transaction that stores its token, sent afterwards by a dispatcher that claims due rows.

-- One row per email. The message id is derived from what the email is about (an
-- invitation, a registration), so a redelivered event (processors deliver at least once) adds nothing and
-- an email sent again after a crash carries the same Message-ID, which mail clients fold.
-- No secret is kept here: the activation link's token is read from the command side's
-- invitation_outbox at the moment of sending, and that row is deleted once it is sent.
create table mail_outbox (
    message_id      text        not null primary key,
    kind            text        not null,
    user_id         uuid,
    invitation_id   uuid        unique,
    recipient       text        not null,
    language        text        not null,
    -- what the template shows (names, username, organization, reason); never a token
    params          jsonb       not null default '{}'::jsonb,
    -- PENDING (to send or to retry), SENT, FAILED (permanently, or gave up), SUPERSEDED
    -- (its invitation was replaced, used or voided before it could be sent)
    status          text        not null default 'PENDING',
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null,
    -- a dispatcher's claim; an expired claim (a node died while sending) is taken again
    claimed_until   timestamptz,
    last_error      text,
    created_at      timestamptz not null,
    sent_at         timestamptz,
    failed_at       timestamptz
);
create index mail_outbox_due on mail_outbox (next_attempt_at) where status = 'PENDING';
create index mail_outbox_user on mail_outbox (user_id);
create index mail_outbox_status on mail_outbox (status, created_at);

-- Whom the notifier writes to: each user's address, names and language as of the events it
-- has seen, folded by the notifier's own processor so that it never waits for another view.
create table mail_recipient (
    user_id    uuid   not null primary key,
    username   text   not null,
    email      text   not null,
    first_name text   not null,
    last_name  text   not null,
    language   text   not null,
    version    bigint not null
);

-- The users view names its latest invitation, so that its delivery can be shown beside it.
alter table user_view add column invitation_id uuid;
create index user_view_invitation on user_view (invitation_id);
