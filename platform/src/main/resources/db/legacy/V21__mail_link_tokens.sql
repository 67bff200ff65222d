-- The raw token of a link an email carries, for emails asked for by a call rather than by an
-- event (password resets, R-AUTH-4): it waits here, beside the email, until the email is sent,
-- fails for good or is withdrawn (its link was voided), then it is deleted. The outbox row
-- itself never holds a token.
create table mail_link_token (
    message_id text not null primary key references mail_outbox (message_id) on delete cascade,
    user_id    uuid not null,
    token      text not null
);
create index mail_link_token_user on mail_link_token (user_id);
