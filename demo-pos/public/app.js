// The browser till: reads the catalogue and stores from the POS API and posts orders to it.
// No framework; server data only ever goes in as text, so a product name can never inject markup.

const $ = (id) => document.getElementById(id);
/** A kiosk id no store has, to show INVALID_STORE_CONFIG from the page. */
const UNCONFIGURED_KIOSK = 'KIOSK_099';

let stores = [];

function money(cents) {
  return cents === null ? 'no price' : `$${(cents / 100).toFixed(2)}`;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderProducts(products) {
  const rows = products.map((product) => {
    const tr = document.createElement('tr');
    const quantity = document.createElement('input');
    Object.assign(quantity, { type: 'number', min: '0', max: '999', value: '0' });
    quantity.dataset.productId = String(product.id);
    quantity.setAttribute('aria-label', `Quantity of ${product.name}`);
    const qtyCell = cell('', 'num');
    qtyCell.append(quantity);
    tr.append(
      cell(String(product.id)),
      cell(product.name),
      cell(product.category),
      cell(money(product.priceCents), product.priceCents === null ? 'num no-price' : 'num'),
      cell(String(product.inStock), 'num'),
      qtyCell,
    );
    return tr;
  });
  $('products').replaceChildren(...rows);
}

function renderKiosks() {
  const store = stores.find((candidate) => candidate.id === $('store').value);
  const options = (store?.kiosks ?? []).map((kiosk) => new Option(kiosk, kiosk));
  options.push(new Option(`${UNCONFIGURED_KIOSK} (not configured)`, UNCONFIGURED_KIOSK));
  $('kiosk').replaceChildren(...options);
}

function orderFromForm() {
  const items = [...document.querySelectorAll('#products input')]
    .map((input) => ({ productId: Number(input.dataset.productId), quantity: Number(input.value) }))
    .filter((item) => item.quantity > 0);
  const order = { storeId: $('store').value, kioskId: $('kiosk').value, items };
  const cardNumber = $('payment').value;
  if (cardNumber) order.payment = { cardNumber };
  return order;
}

function showResult(text, outcome) {
  const result = $('result');
  result.textContent = text;
  result.className = `result ${outcome}`;
}

function describeOrder(order) {
  const lines = order.lines.map((line) => `  ${line.quantity} × ${line.name}  ${money(line.lineTotalCents)}`);
  const paid = order.payment.method === 'card' ? `card •••• ${order.payment.cardLast4}` : 'cash';
  return [`Order ${order.orderId} placed`, ...lines, `Total ${money(order.totalCents)}, paid by ${paid}`].join('\n');
}

function describeError(status, body) {
  const lines = [`${body.code} (HTTP ${status})`, body.message];
  if (body.orderId) lines.push(`order: ${body.orderId}`);
  if (body.traceId) lines.push(`trace: ${body.traceId}`);
  return lines.join('\n');
}

async function placeOrder() {
  const order = orderFromForm();
  if (order.items.length === 0) return showResult('Pick a quantity for at least one product.', 'failed');
  $('place').disabled = true;
  try {
    const response = await fetch('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    const body = await response.json();
    if (response.ok) showResult(describeOrder(body), 'ok');
    else showResult(describeError(response.status, body), 'failed');
    await loadProducts();
  } catch (error) {
    showResult(`The POS did not answer: ${error.message}`, 'failed');
  } finally {
    $('place').disabled = false;
  }
}

async function loadProducts() {
  renderProducts(await (await fetch('/api/products')).json());
}

async function start() {
  stores = await (await fetch('/api/stores')).json();
  $('store').replaceChildren(...stores.map((store) => new Option(`${store.id} — ${store.name}`, store.id)));
  renderKiosks();
  $('store').addEventListener('change', renderKiosks);
  $('place').addEventListener('click', placeOrder);
  await loadProducts();
}

start().catch((error) => showResult(`Could not load the till: ${error.message}`, 'failed'));
