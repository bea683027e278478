// The DMSA client id/secret live in a Secrets Manager secret the operator creates (never in the
// template). The stack only references it, as an ISecret that functions are bound to (bind.ts).
import { Stack, ArnFormat } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface DmsaCredentialsProps {
  /** Secret name (same account and region) or complete secret ARN. */
  readonly secret: string;
  /**
   * ARN of the customer managed KMS key that encrypts the secret. With it, reading the secret also
   * grants kms:Decrypt on that key, through Secrets Manager only (kms:ViaService); the key's policy
   * must allow the account to delegate that (the default key policy does).
   * @default the AWS managed key aws/secretsmanager: no KMS grant needed
   */
  readonly kmsKeyArn?: string;
}

export class DmsaCredentials extends Construct {
  readonly secret: ISecret;
  /** What the functions pass to GetSecretValue (DMSA_SECRET_ID): the name or ARN as configured. */
  readonly secretId: string;

  constructor(scope: Construct, id: string, props: DmsaCredentialsProps) {
    super(scope, id);
    if (!props.secret.trim()) throw new Error(`DmsaCredentials ${id}: secret is empty`);
    this.secretId = props.secret;
    const isArn = props.secret.startsWith('arn:');
    if (props.kmsKeyArn === undefined) {
      this.secret = isArn ? Secret.fromSecretCompleteArn(this, 'Secret', props.secret) : Secret.fromSecretNameV2(this, 'Secret', props.secret);
      return;
    }
    const encryptionKey = Key.fromKeyArn(this, 'SecretKey', props.kmsKeyArn);
    this.secret = isArn
      ? Secret.fromSecretAttributes(this, 'Secret', { secretCompleteArn: props.secret, encryptionKey })
      : Secret.fromSecretAttributes(this, 'Secret', {
          secretPartialArn: Stack.of(this).formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: props.secret,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
          encryptionKey,
        });
  }
}
