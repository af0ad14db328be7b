const m = await import("h5wasm/node");
const r = await m.default.ready; r.activate_throwing_error_handler();
const p = process.argv[2];
console.error("open"); const f = new m.File(p, "r");
console.error("attrs"); const names = Object.keys(f.attrs); console.error(names);
console.error("keys"); console.error(f.keys());
for (const n of names) { console.error("get", n); const v = f.get_attribute(n, true); console.error(typeof v, String(v).length); }
