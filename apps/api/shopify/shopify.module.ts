import { Module } from '@nestjs/common';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { OrdersController, ProfileOrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { ShopifySettingsController } from './shopify-settings.controller.js';
import { ShopifyWebhookController } from './shopify-webhook.controller.js';

/** SPEC §6, orders: the Shopify connection, its webhooks, the orders on a profile, and agents' edits and cancels. */
@Module({
  imports: [ProfilesModule],
  controllers: [ShopifySettingsController, ShopifyWebhookController, ProfileOrdersController, OrdersController],
  providers: [OrdersService],
})
export class ShopifyModule {}
