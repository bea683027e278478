// Unit tier setup (every unit test file, before it runs): no moto is started for this tier, so
// point the AWS SDK at a closed loopback port with dummy credentials. A unit test that makes an
// AWS call then fails at once (connection refused) instead of reaching for real AWS.
// Jest gives each test file its own copy of process.env, so this never reaches other tiers.
Object.assign(process.env, {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'unit-tests',
  AWS_SECRET_ACCESS_KEY: 'unit-tests',
  AWS_SESSION_TOKEN: 'unit-tests',
  AWS_MAX_ATTEMPTS: '1',
});
