// Loads a data package (a ZIP) with the Frictionless reference library and reads every table with its schema and
// relations; prints what it found as JSON. Exits with an error when the library throws.
const { Package } = require('datapackage');

(async () => {
  const pkg = await Package.load(process.argv[2]);
  const result = { valid: pkg.valid, errors: pkg.errors.map((e) => e.message), resources: {} };
  for (const resource of pkg.resources) {
    if (!resource.tabular) {
      result.resources[resource.name] = { tabular: false, path: resource.descriptor.path };
      continue;
    }
    try {
      const rows = await resource.read({ relations: true, keyed: true });
      result.resources[resource.name] = { tabular: true, rows: rows.length, first: rows[0] || null };
    } catch (error) {
      result.resources[resource.name] = { tabular: true, error: error.message, errors: (error.errors || []).map((e) => e.message) };
    }
  }
  console.log(JSON.stringify(result));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
