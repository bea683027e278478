// DMSA credentials from Secrets Manager (moto): validation errors name the secret and the problem,
// never a value; reads are cached; a forced refresh picks up a rotated secret.
import { DmsaSecretError, secretsManagerCredentials } from '../../functions/commons/credentials/dmsa-secret';
import { classify } from '../../functions/commons/failure/classify';
import { createDmsaSecret, putDmsaSecret } from './fixtures';

const SECRET_VALUE = 'sup3r-s3cret-value';

async function failureOf(secretString: string): Promise<DmsaSecretError> {
  const secretId = await createDmsaSecret(secretString);
  const error = await secretsManagerCredentials(secretId)
    .get()
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DmsaSecretError);
  const message = (error as Error).message;
  expect(message).toContain(secretId);
  expect(message).not.toContain(SECRET_VALUE);
  return error as DmsaSecretError;
}

describe('secretsManagerCredentials', () => {
  it('reads client_id and client_secret', async () => {
    const secretId = await createDmsaSecret({ client_id: 'abc', client_secret: SECRET_VALUE });
    await expect(secretsManagerCredentials(secretId).get()).resolves.toEqual({ clientId: 'abc', clientSecret: SECRET_VALUE });
  });

  it.each([
    ['not JSON', `client_secret=${SECRET_VALUE}`, /is not JSON/],
    ['a missing client_secret', JSON.stringify({ client_id: 'abc' }), /client_secret is missing or not a string/],
    ['a blank client_id', JSON.stringify({ client_id: ' ', client_secret: SECRET_VALUE }), /client_id must be a non-empty string/],
    ['an unexpected key', JSON.stringify({ client_id: 'abc', client_secret: SECRET_VALUE, clientSecret: SECRET_VALUE }), /unexpected key\(s\) clientSecret/],
    ['a JSON array', JSON.stringify([SECRET_VALUE]), /the value is not a JSON object/],
  ])('rejects %s, naming the secret and the problem only', async (_case, secretString, problem) => {
    const error = await failureOf(secretString);
    expect(error.message).toMatch(problem);
    expect(error.errorClass).toBe('DmsaSecretInvalid');
    expect(error.kind).toBe('permanent');
    expect(classify(error)).toMatchObject({ kind: 'auth', errorClass: 'DmsaSecretInvalid' });
  });

  it('names a secret that does not exist as permanent', async () => {
    const error = await secretsManagerCredentials('procore-test/does-not-exist')
      .get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DmsaSecretError);
    expect((error as DmsaSecretError).message).toMatch(/^DMSA secret procore-test\/does-not-exist: cannot be read from Secrets Manager/);
    expect((error as DmsaSecretError).errorClass).toBe('DmsaSecretUnreadable');
    expect((error as DmsaSecretError).kind).toBe('permanent');
    expect(classify(error)).toMatchObject({ kind: 'auth', errorClass: 'DmsaSecretUnreadable' });
  });

  it('serves a cached read until forced to re-read the rotated secret', async () => {
    const secretId = await createDmsaSecret({ client_id: 'abc', client_secret: 'old' });
    const source = secretsManagerCredentials(secretId, { maxAgeSeconds: 300 });
    expect((await source.get()).clientSecret).toBe('old');
    await putDmsaSecret(secretId, { client_id: 'abc', client_secret: 'new' });
    expect((await source.get()).clientSecret).toBe('old');
    expect((await source.get({ forceRefresh: true })).clientSecret).toBe('new');
    expect(source.description).toBe(`secret ${secretId}`);
  });
});
