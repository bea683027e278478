// Which AWS actions a handler's own code can call: bundle the handler as the stack does (tree-shaken,
// so only reachable code counts), keep the AWS SDK and Powertools external so the project's code is
// all that is read, and map each `new <X>Command(` to its IAM action. Powertools idempotency's
// DynamoDB layer is counted by its import (its calls live inside the package). The claim check's S3
// requests and SQS SendMessageBatch are signed HTTP requests, not SDK commands
// (functions/commons/aws/s3-objects.ts, sqs-message-batch-request.ts): each
// `signedS3Request("<Operation>"` / `sqsJsonRequest("<Operation>"` counts as that operation.
import path from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from './synth';

/** SDK v3 command class -> IAM action. Document-client commands map to the item action they send. */
const COMMAND_ACTIONS: Record<string, string[]> = {
  GetCommand: ['dynamodb:GetItem'],
  GetItemCommand: ['dynamodb:GetItem'],
  PutCommand: ['dynamodb:PutItem'],
  PutItemCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  UpdateItemCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  DeleteItemCommand: ['dynamodb:DeleteItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  BatchGetItemCommand: ['dynamodb:BatchGetItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  BatchWriteItemCommand: ['dynamodb:BatchWriteItem'],
  // A transaction is authorised item by item; which actions its items use is not visible here, so
  // a transaction asks for all of them and the grant must say which it needs.
  TransactGetCommand: ['dynamodb:GetItem'],
  TransactGetItemsCommand: ['dynamodb:GetItem'],
  TransactWriteCommand: ['dynamodb:ConditionCheckItem'],
  TransactWriteItemsCommand: ['dynamodb:ConditionCheckItem'],
  SendMessageCommand: ['sqs:SendMessage'],
  SendMessageBatchCommand: ['sqs:SendMessage'],
  ReceiveMessageCommand: ['sqs:ReceiveMessage'],
  DeleteMessageCommand: ['sqs:DeleteMessage'],
  DeleteMessageBatchCommand: ['sqs:DeleteMessage'],
  ChangeMessageVisibilityCommand: ['sqs:ChangeMessageVisibility'],
  ChangeMessageVisibilityBatchCommand: ['sqs:ChangeMessageVisibility'],
  GetQueueUrlCommand: ['sqs:GetQueueUrl'],
  GetQueueAttributesCommand: ['sqs:GetQueueAttributes'],
  PutObjectCommand: ['s3:PutObject'],
  GetObjectCommand: ['s3:GetObject'],
  HeadObjectCommand: ['s3:GetObject'],
  CreateMultipartUploadCommand: ['s3:PutObject'],
  UploadPartCommand: ['s3:PutObject'],
  CompleteMultipartUploadCommand: ['s3:PutObject'],
  AbortMultipartUploadCommand: ['s3:AbortMultipartUpload'],
  DeleteObjectCommand: ['s3:DeleteObject'],
};

/** S3 operations sent by signedS3Request (functions/commons/aws/s3-objects.ts) -> IAM action. */
const SIGNED_S3_ACTIONS: Record<string, string[]> = {
  PutObject: ['s3:PutObject'],
  GetObject: ['s3:GetObject'],
};

/** SQS operations sent by sqsJsonRequest (functions/commons/aws/sqs-message-batch-request.ts) -> IAM action
 * (SendMessageBatch is authorized as sqs:SendMessage: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html). */
const SIGNED_SQS_ACTIONS: Record<string, string[]> = {
  SendMessageBatch: ['sqs:SendMessage'],
};

/** Modules whose import means these calls (Powertools idempotency: get, conditional put, update, delete). */
const MODULE_ACTIONS: Record<string, string[]> = {
  '@aws-lambda-powertools/idempotency/dynamodb': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  '@aws-sdk/lib-storage': ['s3:PutObject', 's3:AbortMultipartUpload'],
};

export interface HandlerCalls {
  /** IAM actions the reachable code calls, sorted. */
  actions: string[];
  /** SDK commands (or signed S3 / SQS operations) found that the maps above do not know (the test fails on them: add them). */
  unknownCommands: string[];
  /** Whether the handler is wrapped in Powertools Tracer's captureLambdaHandler. */
  traces: boolean;
}

export async function handlerCalls(entry: string): Promise<HandlerCalls> {
  const result = await build({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    treeShaking: true,
    minify: false,
    external: ['@aws-sdk/*', '@aws-lambda-powertools/*', '@middy/*', '@smithy/*'],
    logLevel: 'silent',
  });
  const code = result.outputFiles?.[0]?.text ?? '';
  const commands = new Set([...code.matchAll(/new (\w+Command)\d*\(/g)].map((m) => m[1]!));
  const signedS3 = new Set([...code.matchAll(/\bsignedS3Request\d*\("(\w+)"/g)].map((m) => m[1]!));
  const signedSqs = new Set([...code.matchAll(/\bsqsJsonRequest\d*\("(\w+)"/g)].map((m) => m[1]!));
  const imports = new Set([...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!));
  const actions = new Set<string>();
  const unknownCommands: string[] = [];
  for (const command of commands) {
    const mapped = COMMAND_ACTIONS[command];
    if (mapped) for (const a of mapped) actions.add(a);
    else unknownCommands.push(command);
  }
  for (const operation of signedS3) {
    const mapped = SIGNED_S3_ACTIONS[operation];
    if (mapped) for (const a of mapped) actions.add(a);
    else unknownCommands.push(`signedS3Request("${operation}")`);
  }
  for (const operation of signedSqs) {
    const mapped = SIGNED_SQS_ACTIONS[operation];
    if (mapped) for (const a of mapped) actions.add(a);
    else unknownCommands.push(`sqsJsonRequest("${operation}")`);
  }
  for (const [module, mapped] of Object.entries(MODULE_ACTIONS)) if (imports.has(module)) for (const a of mapped) actions.add(a);
  return { actions: [...actions].sort(), unknownCommands: unknownCommands.sort(), traces: /captureLambdaHandler\(tracer\)/.test(code) };
}
