import { notAvailable } from "./_not_available.ts";

if (import.meta.main) {
  notAvailable("train", "fits HMM/H2 models on recorded data into the model store", Deno.args);
}
