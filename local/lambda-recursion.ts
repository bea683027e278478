// Lambda's recursive loop detection, played where there is no Lambda service. Inside Lambda the AWS
// SDK copies the invocation's X-Ray trace header (_X_AMZN_TRACE_ID) onto every request; SQS keeps it
// as the message's AWSTraceHeader (moto too, local/moto_patches.py); the event source mapping reads
// it back, counts the function's invocations in that chain (the header's Lineage field), and with
// the function's recursive loop setting at Terminate (the default) stops the invocation that would
// pass 16, moving the message to the queue's DLQ where there is one and dropping it otherwise.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html
// Lambda's own Lineage encoding is internal; here it is `<function hash>:<count>`, one entry per
// function joined by `|`, which is all the rule needs.
import { createHash, randomBytes } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import { LAMBDA_RECURSION_LIMIT } from '../functions/pull/continuation';

/** The function's RecursiveLoop setting (CDK `recursiveLoop`). */
export type RecursiveLoop = 'Allow' | 'Terminate';

export interface RecursionRule {
  functionName: string;
  recursiveLoop: RecursiveLoop;
}

function functionHash(functionName: string): string {
  return createHash('sha256').update(functionName).digest('hex').slice(0, 8);
}

function fields(header: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) map.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return map;
}

function lineages(header: string | undefined): Map<string, number> {
  const map = new Map<string, number>();
  for (const entry of (fields(header).get('Lineage') ?? '').split('|')) {
    const [hash, count] = entry.split(':');
    if (hash && count && Number.isInteger(Number(count))) map.set(hash, Number(count));
  }
  return map;
}

/** How many invocations of `functionName` the chain behind this trace header has had. */
export function invocationsInChain(traceHeader: string | undefined, functionName: string): number {
  return lineages(traceHeader).get(functionHash(functionName)) ?? 0;
}

/** The trace header of an invocation `invocations` deep in the chain of `previous` (same root). */
export function invocationTraceHeader(previous: string | undefined, functionName: string, invocations: number): string {
  const root = fields(previous).get('Root') ?? `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const lineage = lineages(previous);
  lineage.set(functionHash(functionName), invocations);
  const encoded = [...lineage].map(([hash, count]) => `${hash}:${count}`).join('|');
  return `Root=${root};Parent=${randomBytes(8).toString('hex')};Sampled=0;Lineage=${encoded}`;
}

export interface RecursionDecision {
  /** Messages to invoke the function with. */
  invoke: Message[];
  /** Messages Lambda would not invoke the function with: the chain passed the limit under Terminate. */
  stopped: Message[];
  /** The trace header for the invocation (the deepest chain in the batch, one more invocation). */
  traceHeader: string | undefined;
  /** The invocation's depth in that chain (1: not a recursive invocation). */
  chainDepth: number;
}

/** Applies Lambda's rule to a received batch. */
export function applyRecursionRule(messages: Message[], rule: RecursionRule): RecursionDecision {
  const depth = (m: Message) => invocationsInChain(m.Attributes?.AWSTraceHeader, rule.functionName) + 1;
  const stopped = rule.recursiveLoop === 'Terminate' ? messages.filter((m) => depth(m) > LAMBDA_RECURSION_LIMIT) : [];
  const invoke = messages.filter((m) => !stopped.includes(m));
  const deepest = invoke.reduce<Message | undefined>((best, m) => (best === undefined || depth(m) > depth(best) ? m : best), undefined);
  const traceHeader = deepest ? invocationTraceHeader(deepest.Attributes?.AWSTraceHeader, rule.functionName, depth(deepest)) : undefined;
  return { invoke, stopped, traceHeader, chainDepth: deepest ? depth(deepest) : 0 };
}
