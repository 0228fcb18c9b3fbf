/** An input file the import cannot read at all (as opposed to single rows it rejects). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
