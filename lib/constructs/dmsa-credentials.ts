// The DMSA client id/secret live in a Secrets Manager secret the operator creates (never in the
// template). The stack only references it, and grants read to the functions that exchange tokens.
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface DmsaCredentialsProps {
  /** Secret name (same account and region) or complete secret ARN. */
  secret: string;
}

export class DmsaCredentials extends Construct {
  readonly secret: ISecret;
  /** What the functions pass to GetSecretValue (DMSA_SECRET_ID): the name or ARN as configured. */
  readonly secretId: string;

  constructor(scope: Construct, id: string, props: DmsaCredentialsProps) {
    super(scope, id);
    this.secretId = props.secret;
    this.secret = props.secret.startsWith('arn:')
      ? Secret.fromSecretCompleteArn(this, 'Secret', props.secret)
      : Secret.fromSecretNameV2(this, 'Secret', props.secret);
  }

  grantRead(grantee: IGrantable): void {
    this.secret.grantRead(grantee);
  }
}
