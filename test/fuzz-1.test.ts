import { fuzzShard } from "./fuzz";

// Hostile and malformed requests to every route: test/fuzz.ts.
fuzzShard(1, 2);
