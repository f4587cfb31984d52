-- Event and delivery payloads are JSON of some tens of KB at most (an upload with its metadata: at most 50 values of
-- 512 characters). As CHARACTER LARGE OBJECT, H2 kept every one longer than 256 bytes apart from its row, in its LOB
-- maps: each event wrote a LOB, and each relay round and purge removed one, several more B-tree maps rewritten per
-- commit (a tenth of an upload's request-thread time went to the event insert). In the row, as uploads.metadata.
ALTER TABLE events ALTER COLUMN payload SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE webhook_deliveries ALTER COLUMN payload SET DATA TYPE CHARACTER VARYING(1000000);
