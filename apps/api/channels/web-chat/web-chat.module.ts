import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CalendarsModule } from '../../calendars/calendars.module.js';
import { CsatModule } from '../../csat/csat.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { ChatController } from './chat.controller.js';
import { WebChatAgentController } from './web-chat-agent.controller.js';
import { WebChatService } from './web-chat.service.js';

/**
 * The widget runs on the brand's own site, so the customer chat API answers cross-origin requests
 * from any origin. That is safe: no cookies are involved, the visitor token in each request is the credential.
 */
function allowAnyOrigin(request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Access-Control-Allow-Origin', '*');
  response.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
  response.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  response.setHeader('Access-Control-Max-Age', '600');
  if (request.method === 'OPTIONS') {
    response.status(204).end();
    return;
  }
  next();
}

/** Web chat: the customers' chat API and widget, the agents' presence view and the channel's settings. */
@Module({
  imports: [TicketsModule, CalendarsModule, CsatModule],
  controllers: [ChatController, WebChatAgentController],
  providers: [WebChatService],
})
export class WebChatModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(allowAnyOrigin).forRoutes({ path: 'chat/*path', method: RequestMethod.ALL });
  }
}
