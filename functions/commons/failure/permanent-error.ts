// An input that can never succeed as sent (a push message addressing nothing, a sync job naming the
// wrong scope): the producer must change it, so retrying is pointless. `classify` reads
// `errorClass` and `kind` from it as from any error that classifies itself.
export class PermanentError extends Error {
  override readonly name: string = 'PermanentError';
  readonly kind = 'permanent';
  constructor(
    readonly errorClass: string,
    message: string,
  ) {
    super(message);
  }
}
