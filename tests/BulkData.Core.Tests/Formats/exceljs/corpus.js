// Writes the fidelity corpus's table (see XlsxCorpusTests.cs) the way ExcelJS does.
const ExcelJS = require('exceljs');

async function main(path) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Data');
  sheet.addRow(['Text', 'Number', 'When', 'Flag']);
  const local = (y, m, d, h = 0, mi = 0, s = 0) => new Date(Date.UTC(y, m - 1, d, h, mi, s));
  sheet.addRow(['plain', 1234.5, local(2024, 3, 31, 14, 30), true]);
  sheet.addRow(['  spaced  ', -0.125, local(2000, 2, 29), false]);
  sheet.addRow(['ünïcødé ✓ 日本語 😀', 1e-7, local(1955, 1, 15, 6, 30), true]);
  sheet.addRow(["'quoted' & <tagged>", 0, null, null]);
  sheet.addRow(['line\nbreak', 42, local(1900, 3, 1), false]);
  sheet.addRow([null, 1e15, local(2099, 12, 31, 23, 59, 59), true]);
  sheet.getColumn(3).numFmt = 'yyyy-mm-dd hh:mm:ss';
  await workbook.xlsx.writeFile(path);
}

main(process.argv[2]).catch(e => { console.error(e); process.exit(1); });
