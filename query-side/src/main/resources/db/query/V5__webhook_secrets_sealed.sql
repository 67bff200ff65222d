-- A subscription's signing secret is kept sealed (AES-GCM, with a key derived from the master
-- key, which is not in the database): whoever reads the table, a backup or a replica cannot sign
-- messages for a subscriber. The secrets kept in clear before are sealed, and cleared, by the
-- first node of this version to start (WebhookSubscriptions.sealClearSecrets); a row one of an
-- older version writes in clear meanwhile is used and sealed the first time it is read.
alter table webhook_subscription add column sealed_secret bytea;
alter table webhook_subscription alter column secret drop not null;
alter table webhook_subscription add constraint webhook_subscription_has_a_secret
    check (secret is not null or sealed_secret is not null);

comment on column webhook_subscription.secret is
    'The signing secret in clear (whsec_...) as versions before sealing wrote it; null once sealed.';
comment on column webhook_subscription.sealed_secret is
    'The signing secret sealed by WebhookSecretCipher: version byte, nonce, AES-GCM ciphertext and tag.';
