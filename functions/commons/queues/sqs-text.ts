// Text SQS accepts. A message body and every String attribute value may hold only
//   #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF
// (the XML 1.0 Char production); "If a message contains characters outside the allowed set, Amazon
// SQS rejects the message and returns an InvalidMessageContents error" (SendMessage and
// SendMessageBatch API reference, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html;
// attribute values: "the same restrictions on the content as the message body",
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html).
// So a failure reason that quotes input (control characters, lone surrogates) would make SQS refuse
// the whole dead letter: such characters are written out as \uXXXX instead.

// Everything outside the allowed set: C0 controls but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NOT_ALLOWED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with every character SQS refuses written as \uXXXX (so an operator still sees it). */
export function sqsSafeText(text: string): string {
  return text.replace(NOT_ALLOWED, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes, never ending inside a surrogate pair. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  // Binary search on the prefix length: byte length grows with it.
  let low = 0;
  let high = Math.min(text.length, Math.max(0, maxBytes));
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (Buffer.byteLength(text.slice(0, mid), 'utf8') <= maxBytes) low = mid;
    else high = mid - 1;
  }
  let end = low;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}
