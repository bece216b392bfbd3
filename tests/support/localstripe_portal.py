"""localstripe (a stateful Stripe-compatible server, from PyPI) with what it lacks that Portico's
billing tests need: the billing portal, reduced to entering a card, and a renewal on demand.

`POST /v1/billing_portal/sessions` (customer, return_url) answers a session whose `url` is a page
of this server. The page offers Stripe's test cards; submitting it attaches the card to the
customer as its default payment method, as the real portal does, and goes back to `return_url`.

`POST /_config/subscriptions/{id}/renew` does what Stripe does when a subscription's period ends
(what Stripe's test clocks trigger): invoices the subscription and charges the customer's default
payment method. A declined charge makes the subscription `past_due` and sends
`invoice.payment_failed`; a paid one makes it `active` again and sends `invoice.payment_succeeded`.

Usage: python localstripe_portal.py --port PORT --from-scratch
"""

import html
import secrets

from aiohttp import web
from localstripe import server
from localstripe.errors import UserError
from localstripe.resources import (Customer, Invoice, InvoiceItem, PaymentMethod,
                                   Subscription)

# Stripe's test payment methods: one that pays, one that attaches but whose charges fail.
CARDS = {
    'pm_card_visa': 'Visa 4242 4242 4242 4242',
    'pm_card_chargeCustomerFail': 'Visa 4000 0000 0000 0341 (charges fail)',
}

sessions = {}


async def create_session(request):
    data = await server.get_post_data(request) or {}
    customer, return_url = data.get('customer'), data.get('return_url')
    if not isinstance(customer, str) or not isinstance(return_url, str) \
            or not return_url.startswith(('http://', 'https://')):
        raise UserError(400, 'Bad request')
    Customer._api_retrieve(customer)  # 404 for an unknown customer
    session = 'bps_' + secrets.token_hex(12)
    sessions[session] = (customer, return_url)
    return server.json_response({
        'id': session,
        'object': 'billing_portal.session',
        'customer': customer,
        'return_url': return_url,
        # Under /_config/: localstripe asks no API key there, and the browser has none.
        'url': f'{request.scheme}://{request.host}/_config/portal/{session}',
    })


def page(request):
    if request.match_info['id'] not in sessions:
        raise web.HTTPNotFound()
    options = ''.join(f'<option value="{html.escape(pm)}">{html.escape(label)}</option>'
                      for pm, label in CARDS.items())
    return web.Response(content_type='text/html', text=(
        '<!doctype html><html lang="en"><title>Billing portal (test)</title>'
        '<main><h1>Payment method</h1><form method="post">'
        f'<label>Card <select name="card">{options}</select></label>'
        '<button type="submit">Save card</button></form></main></html>'))


async def save_card(request):
    found = sessions.get(request.match_info['id'])
    if found is None:
        raise web.HTTPNotFound()
    customer, return_url = found
    card = (await request.post()).get('card')
    if card not in CARDS:
        raise web.HTTPBadRequest(text='unknown card')
    method = PaymentMethod._api_retrieve(card)
    PaymentMethod._api_attach(method.id, customer=customer)
    Customer._api_update(customer, invoice_settings={'default_payment_method': method.id})
    raise web.HTTPSeeOther(return_url)


def renew(request):
    subscription = Subscription._api_retrieve(request.match_info['id'])
    pending = [item for item in InvoiceItem._api_list_all(
        None, customer=subscription.customer, limit=99)._list if item.invoice is None]
    invoice = Invoice(customer=subscription.customer, subscription=subscription.id,
                      items=pending + list(subscription.items._list),
                      date=subscription.current_period_start)
    invoice._finalize()
    Invoice._api_pay_invoice(invoice.id)
    if invoice.status != 'paid' and invoice.charge and invoice.charge.status == 'failed':
        invoice._on_payment_failure_now()
    return server.json_response(invoice._export())


server.app.router.add_post('/v1/billing_portal/sessions', create_session)
server.app.router.add_post('/_config/subscriptions/{id}/renew', renew)
server.app.router.add_get('/_config/portal/{id}', page)
server.app.router.add_post('/_config/portal/{id}', save_card)

if __name__ == '__main__':
    server.start()
