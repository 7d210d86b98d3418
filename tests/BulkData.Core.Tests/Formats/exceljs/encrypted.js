// Writes a small workbook with ExcelJS, then encrypts it with a password the way Excel does (an OLE
// compound file holding EncryptionInfo and EncryptedPackage), using officecrypto-tool. The password is the
// second argument: 'open sesame' by default, 'VelvetSweatshop' for the one Excel uses for workbooks that open
// without asking (structure protection, "read-only recommended").
const ExcelJS = require('exceljs');
const officeCrypto = require('officecrypto-tool');
const fs = require('fs');

async function main(path, password) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Data');
  sheet.addRow(['Sku', 'Product Name']);
  sheet.addRow(['A-1', 'secret']);
  const plain = await workbook.xlsx.writeBuffer();
  const encrypted = await officeCrypto.encrypt(Buffer.from(plain), { password });
  fs.writeFileSync(path, encrypted);
}

main(process.argv[2], process.argv[3] || 'open sesame').catch(e => { console.error(e); process.exit(1); });
