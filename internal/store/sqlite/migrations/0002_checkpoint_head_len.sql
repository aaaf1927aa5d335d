-- 0002: record how many head bytes a checkpoint's input key digests, so an
-- input under 64 KiB that grew (and got a new key) finds the checkpoint of
-- its earlier version by hashing its own prefix of that length.
--
-- Older checkpoints did not record it. Fill in a guess that is checked by
-- content before use: an input smaller than 64 KiB read to its end had
-- head_len = byte_offset, a larger one head_len = 65536. A wrong guess is
-- harmless: the digest of a prefix of the guessed length never equals a
-- key taken over a different length, so the checkpoint is simply not
-- found, as before this migration.
ALTER TABLE checkpoints ADD COLUMN head_len BIGINT NOT NULL DEFAULT 0;
UPDATE checkpoints SET head_len = CASE WHEN byte_offset < 65536 THEN byte_offset ELSE 65536 END;
CREATE INDEX checkpoints_head_len ON checkpoints (head_len);
