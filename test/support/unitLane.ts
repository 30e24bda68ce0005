// The unit lane starts no Azurite: a test that reaches for storage there must fail at once, saying
// which lane it belongs in, instead of waiting on a connection (see jest.unit.config.js).
process.env.SCIM_TEST_LANE = "unit";
delete process.env.STORAGE_CONNECTION_STRING;
delete process.env.STORAGE_TABLE_ENDPOINT;
