// Webhook receiver: a Lambda function URL Procore POSTs each delivery to. Thin: shapes the function
// URL event for receive-delivery.ts (authenticate, check, queue) and its answer back.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { sqs } from '../commons/aws/sqs-client';
import { readEnv } from '../commons/config/read-env';
import { WebhookReceiverEnvSchema } from '../commons/config/webhook-receiver-env';
import { countMetric, log, logger, metrics, tracer } from '../commons/observability/powertools';
import { HeaderTokenVerifier, secretsManagerTokens } from './auth/header-token';
import { receiveDelivery } from './receive-delivery';

function loadRuntime() {
  const env = readEnv(WebhookReceiverEnvSchema);
  return { env, verifier: new HeaderTokenVerifier({ tokens: secretsManagerTokens(env.WEBHOOK_SECRET_ID) }) };
}

let runtime: ReturnType<typeof loadRuntime> | undefined;

async function receive(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const { env, verifier } = (runtime ??= loadRuntime());
  return receiveDelivery(
    { method: event.requestContext.http.method, headers: event.headers ?? {}, body: event.body, isBase64Encoded: event.isBase64Encoded },
    {
      verifier,
      enqueue: async (webhookEvent) => {
        await sqs.send(new SendMessageCommand({ QueueUrl: env.WEBHOOK_EVENTS_QUEUE_URL, MessageBody: JSON.stringify(webhookEvent) }));
      },
      logger: log,
      count: (name) => countMetric(name),
    },
  );
}

export const handler = middy(receive).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
