// The zod the functions build their schemas with: `zod/mini` (the same zod 4 core as the classic
// API, a functional API that bundles and loads at a fraction of its cost: cold starts), with
// English error messages. zod/mini has no locale until one is set, so every issue would read
// "Invalid input"; importing schemas' `z` from here sets it before any schema parses. Schemas built
// with it mix with classic ones (lib/, cli/ wrap them in their own).
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
