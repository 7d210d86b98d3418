// Writes a workbook the way ExcelJS (a widely used Node writer) does: shared strings, rich text,
// dates with number formats, booleans, formulas with cached results, error values, blanks, two sheets.
const ExcelJS = require('exceljs');

async function main(path) {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Cover').getCell('A1').value = 'not this sheet';
  const sheet = workbook.addWorksheet('Data');
  sheet.addRow(['Name', 'Amount', 'When', 'Flag']);
  sheet.addRow(['plain', 1234.5, new Date(Date.UTC(2024, 2, 31)), true]);
  sheet.addRow([{ richText: [{ text: 'rich ', font: { bold: true } }, { text: 'text' }] }, -0.125, new Date(Date.UTC(2023, 11, 31, 23, 59, 58, 123)), false]);
  sheet.addRow(['  spaced  ', { formula: '1+1', result: 2 }, new Date(Date.UTC(2000, 1, 29, 12, 0, 0)), null]);
  sheet.addRow(['ünïcødé ✓ 日本語', 1e-7, null, true]);
  sheet.addRow([]);
  sheet.addRow(['after a blank row', null, new Date(Date.UTC(1955, 0, 15, 6, 30)), false]);
  sheet.getColumn(3).numFmt = 'yyyy-mm-dd hh:mm:ss';
  sheet.getCell('C2').numFmt = 'dd/mm/yyyy';
  const errors = workbook.addWorksheet('Errors');
  errors.addRow(['Name', 'Amount']);
  errors.addRow(['bad', { error: '#N/A' }]);
  await workbook.xlsx.writeFile(path);
}

main(process.argv[2]).catch(e => { console.error(e); process.exit(1); });
